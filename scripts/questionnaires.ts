// Writes the demo questionnaires as XLSForm workbooks into questionnaires/ (committed: an
// administrator can open, edit and upload them, and the demo seeds the same rows as version 1 of two
// campaigns). The rows live in db/seed/questionnaires/; run this after changing them, and
// test/scripts/questionnaires.test.ts checks that the committed files still say the same.
//
//   tsx --conditions=react-server scripts/questionnaires.ts

import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { DEMO_QUESTIONNAIRE_CAMPAIGNS } from "../db/seed";
import { workbookBytes } from "../server/services/questionnaires";

const QUESTIONNAIRE_DIR = path.join(process.cwd(), "questionnaires");

async function main() {
  await mkdir(QUESTIONNAIRE_DIR, { recursive: true });
  for (const { file, workbook } of DEMO_QUESTIONNAIRE_CAMPAIGNS) {
    const target = path.join(QUESTIONNAIRE_DIR, file);
    await writeFile(target, await workbookBytes(workbook, file.replace(/\.xlsx$/, "")));
    console.log(`wrote ${path.relative(process.cwd(), target)}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

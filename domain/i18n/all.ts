// Every screen family's messages, registered at once: the server (errors and files in any screen's
// words), commands and tests import this. Pages register only their own family.

import "./english";
import { campaignMessages } from "./campaigns";
import { checkMessages } from "./check";
import { exportMessages } from "./export";
import { importMessages } from "./import";
import { importPageMessages } from "./import-page";
import { type MessageBundle, registerMessages } from "./index";
import { mapMessages } from "./map";
import { progressMessages } from "./progress";
import { questionnaireMessages } from "./questionnaire";
import { questionnaireDefinitionMessages } from "./questionnaire-definition";
import { questionnaireUploadMessages } from "./questionnaire-upload";
import { superviseMessages } from "./supervise";
import { userMessages } from "./users";

export const MESSAGE_BUNDLES: readonly MessageBundle[] = [
  superviseMessages,
  progressMessages,
  mapMessages,
  checkMessages,
  importPageMessages,
  importMessages,
  exportMessages,
  campaignMessages,
  userMessages,
  questionnaireMessages,
  questionnaireDefinitionMessages,
  questionnaireUploadMessages,
];

for (const bundle of MESSAGE_BUNDLES) registerMessages(bundle);

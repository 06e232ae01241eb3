// Campaign questionnaires in the XLSForm convention, framework-free: read a workbook into a
// definition (definition.ts), evaluate expressions (expr.ts, interpret.ts, values.ts), and work
// out a form's state and check its answers (evaluate.ts) — the same code on the phone and the server.

export { type AnsweredLine, type AnswerLine, answeredLines, answerLines, maskAnswer } from "./answer-lines";
export {
  answerOfRegister,
  BINDABLE_FIELDS,
  type BindEntity,
  type Binding,
  bindingText,
  parseBinding,
  registerOfAnswer,
} from "./bind";
export {
  APPEARANCES,
  type Choice,
  type ChoiceList,
  type DefinitionProblem,
  type DefinitionResult,
  type Formula,
  type Group,
  type Item,
  OTHER,
  offeredChoices,
  type ParseDefinitionOptions,
  parseDefinition,
  problemText,
  QUESTION_TYPES,
  type Question,
  type QuestionnaireDefinition,
  type QuestionType,
  type Repeat,
  type SheetName,
  type SheetRow,
  sheetRows,
  type Text,
  textIn,
  type Workbook,
  walkItems,
} from "./definition";
export {
  type Answers,
  type AnswerValue,
  cellKey,
  cleanAnswers,
  cleanForm,
  type EvalContext,
  errorText,
  evaluateForm,
  type FieldError,
  type FieldErrorKind,
  type FormChange,
  FormState,
  MAX_ANSWER_LENGTH,
  MAX_ROWS,
  type RegisterValue,
  setAnswer,
  validateAnswers,
  validateForm,
} from "./evaluate";
export { type Expr, type ExprError, FUNCTIONS, parseExpression } from "./expr";
export { evaluate, type Scope } from "./interpret";
export { type Misfit, type MisfitReason, moveAnswers } from "./migrate";
export { answerPhotos } from "./photos";
export { registerOfSubject } from "./register";
export { QUESTIONNAIRE_MAX_BYTES, questionCount } from "./summary";
export type { DateValue, Value } from "./values";
export { definitionWorkbook } from "./workbook";

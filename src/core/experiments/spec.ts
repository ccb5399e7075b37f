// The experiment as the rest of the core sees it, after parsing and checking.
import type { AssertionType } from './assertions';
import type { Locator, Path } from './locate';
import type { Range } from './problems';
import type { ParsedTemplate } from './template';

/** A templated string and where it is written, so a problem with a variable points at its `{{…}}`. */
export interface TemplateField {
  readonly template: ParsedTemplate;
  readonly locator: Locator;
  readonly path: Path;
}

export interface PromptMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: TemplateField;
}

export interface ExperimentPrompt {
  /** Its `label`, else `prompt-1`, `prompt-2`… */
  readonly label: string;
  readonly messages: readonly PromptMessage[];
}

export interface ExperimentProvider {
  readonly id: string;
  /** Its `label`, else its model id. */
  readonly label: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly range: Range;
}

export interface AssertionSpec {
  readonly type: AssertionType;
  readonly negate: boolean;
  /** The text value (templated): expected text, pattern or rubric. */
  readonly text?: TemplateField;
  readonly schema?: Record<string, unknown>;
  readonly trim?: boolean;
  /** The judge model of an llm-rubric, overriding `kluster.judge.model`. */
  readonly provider?: string;
  /** Where it was written, for messages: `defaultTest.assert[0]`, `reviews.csv row 3 __expected`. */
  readonly origin: string;
}

export interface TestCase {
  /** 1-based row of the dataset (or position in the inline list). */
  readonly row: number;
  readonly description?: string;
  readonly vars: Readonly<Record<string, unknown>>;
  /** The row's own assertions (defaultTest's are added when scoring). */
  readonly assert: readonly AssertionSpec[];
}

export type TestsSource =
  | { readonly kind: 'file'; readonly path: string; readonly format: 'csv' | 'jsonl'; readonly locator: Locator; readonly at: Path }
  | { readonly kind: 'inline'; readonly tests: readonly TestCase[] };

export interface Experiment {
  /** The experiment file's path and folder (dataset paths are relative to it). */
  readonly file: string;
  readonly dir: string;
  readonly description?: string;
  readonly prompts: readonly ExperimentPrompt[];
  readonly providers: readonly ExperimentProvider[];
  readonly tests: TestsSource;
  readonly defaultAssert: readonly AssertionSpec[];
  readonly completionWindow?: string;
  readonly judgeModel?: string;
}

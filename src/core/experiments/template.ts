// `{{name}}`, `{{ name }}` and `{{item.text}}`: the only template syntax. A value is inserted exactly as written
// (no escaping, no logic, no code), once: template syntax inside a value stays text.

export interface TemplateVariable {
  /** The dotted path inside the braces, trimmed: `item.text`. */
  readonly path: string;
  readonly segments: readonly string[];
  /** Offsets of `{{` and just past `}}` in the template string. */
  readonly start: number;
  readonly end: number;
}

export type TemplatePart = string | TemplateVariable;

export interface ParsedTemplate {
  readonly source: string;
  readonly parts: readonly TemplatePart[];
  readonly variables: readonly TemplateVariable[];
  /** Braces that open a variable but hold no valid name: `{{ }}`, `{{a b}}`, an unclosed `{{`. */
  readonly malformed: readonly { start: number; end: number; message: string }[];
}

const NAME = /^[A-Za-z_][\w-]*(\.[\w-]+)*$/;

export function parseTemplate(source: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  const variables: TemplateVariable[] = [];
  const malformed: { start: number; end: number; message: string }[] = [];
  let text = '';
  let i = 0;
  while (i < source.length) {
    const open = source.indexOf('{{', i);
    if (open < 0) break;
    const close = source.indexOf('}}', open + 2);
    if (close < 0) {
      malformed.push({ start: open, end: source.length, message: '`{{` is not closed by `}}`.' });
      break;
    }
    const inner = source.slice(open + 2, close).trim();
    const end = close + 2;
    if (!NAME.test(inner)) {
      malformed.push({
        start: open,
        end,
        message: `\`${source.slice(open, end)}\` is not a variable: write {{name}} or {{name.field}} (no spaces, logic or filters inside the braces).`,
      });
      text += source.slice(i, end);
      i = end;
      continue;
    }
    text += source.slice(i, open);
    if (text) parts.push(text);
    text = '';
    const variable: TemplateVariable = { path: inner, segments: inner.split('.'), start: open, end };
    parts.push(variable);
    variables.push(variable);
    i = end;
  }
  text += source.slice(i);
  if (text) parts.push(text);
  return { source, parts, variables, malformed };
}

/** The value at a dotted path of a row's variables: `undefined` when the row does not define it. */
export function lookup(vars: Readonly<Record<string, unknown>>, segments: readonly string[]): unknown {
  // A flat key with dots (a CSV column `item.text`) wins over the nested path.
  const flat = segments.join('.');
  if (segments.length > 1 && Object.prototype.hasOwnProperty.call(vars, flat)) return vars[flat];
  let value: unknown = vars;
  for (const segment of segments) {
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/** How a value reads inside a prompt: strings as they are, other JSON values as JSON. */
export function valueText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export class MissingVariableError extends Error {
  constructor(readonly variable: TemplateVariable) {
    super(`No value for {{${variable.path}}}.`);
    this.name = 'MissingVariableError';
  }
}

/** Fills a template from one row; throws MissingVariableError when the row has no value for a variable. */
export function render(template: ParsedTemplate, vars: Readonly<Record<string, unknown>>): string {
  if (template.variables.length === 0) return template.source;
  let out = '';
  for (const part of template.parts) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    const value = lookup(vars, part.segments);
    if (value === undefined) throw new MissingVariableError(part);
    out += valueText(value);
  }
  return out;
}

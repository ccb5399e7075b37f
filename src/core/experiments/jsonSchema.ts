// A small JSON Schema subset for `is-json` / `contains-json`, checked without evaluating any code:
// type, enum, const, properties, required, additionalProperties (boolean), items, minItems, maxItems,
// minLength, maxLength, pattern, minimum, maximum. Anything else is refused up front, not silently ignored.

const KEYWORDS = new Set([
  '$schema',
  'title',
  'description',
  'type',
  'enum',
  'const',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
]);
const TYPES = new Set(['object', 'array', 'string', 'number', 'integer', 'boolean', 'null']);

type Schema = Record<string, unknown>;

const isObject = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why `schema` is not a schema this checker supports, or undefined when it is. */
export function schemaProblem(schema: unknown, where = 'schema'): string | undefined {
  if (!isObject(schema)) return `${where} must be an object.`;
  for (const key of Object.keys(schema)) {
    if (!KEYWORDS.has(key))
      return `${where}: \`${key}\` is not supported (supported: ${[...KEYWORDS].filter((k) => !k.startsWith('$')).join(', ')}).`;
  }
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  for (const type of types) if (typeof type !== 'string' || !TYPES.has(type)) return `${where}: unknown type ${JSON.stringify(type)}.`;
  if (schema.enum !== undefined && !Array.isArray(schema.enum)) return `${where}: \`enum\` must be an array.`;
  if (schema.required !== undefined && !(Array.isArray(schema.required) && schema.required.every((r) => typeof r === 'string')))
    return `${where}: \`required\` must be an array of names.`;
  if (schema.additionalProperties !== undefined && typeof schema.additionalProperties !== 'boolean')
    return `${where}: \`additionalProperties\` must be true or false.`;
  for (const key of ['minItems', 'maxItems', 'minLength', 'maxLength', 'minimum', 'maximum']) {
    if (schema[key] !== undefined && typeof schema[key] !== 'number') return `${where}: \`${key}\` must be a number.`;
  }
  if (schema.pattern !== undefined) {
    if (typeof schema.pattern !== 'string') return `${where}: \`pattern\` must be a string.`;
    try {
      new RegExp(schema.pattern, 'u');
    } catch (error) {
      return `${where}: \`pattern\` is not a valid regular expression (${(error as Error).message}).`;
    }
  }
  if (schema.properties !== undefined) {
    if (!isObject(schema.properties)) return `${where}: \`properties\` must be an object.`;
    for (const [name, sub] of Object.entries(schema.properties)) {
      const problem = schemaProblem(sub, `${where}.properties.${name}`);
      if (problem) return problem;
    }
  }
  if (schema.items !== undefined) return schemaProblem(schema.items, `${where}.items`);
  return undefined;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  if (type === 'integer') return Number.isInteger(value);
  return typeOf(value) === type;
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The first way `value` breaks `schema` (a supported schema), or undefined when it conforms. */
export function schemaViolation(value: unknown, schema: Schema, at = '$'): string | undefined {
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
  if (types.length && !types.some((t) => matchesType(value, t))) return `${at} is ${typeOf(value)}, not ${types.join(' or ')}`;
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => equal(e, value))) return `${at} is not one of ${JSON.stringify(schema.enum)}`;
  if ('const' in schema && !equal(schema.const, value)) return `${at} is not ${JSON.stringify(schema.const)}`;
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && [...value].length < schema.minLength) return `${at} is shorter than ${schema.minLength}`;
    if (typeof schema.maxLength === 'number' && [...value].length > schema.maxLength) return `${at} is longer than ${schema.maxLength}`;
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) return `${at} does not match ${schema.pattern}`;
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) return `${at} is below ${schema.minimum}`;
    if (typeof schema.maximum === 'number' && value > schema.maximum) return `${at} is above ${schema.maximum}`;
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) return `${at} has fewer than ${schema.minItems} items`;
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) return `${at} has more than ${schema.maxItems} items`;
    if (isObject(schema.items)) {
      for (let i = 0; i < value.length; i++) {
        const problem = schemaViolation(value[i], schema.items, `${at}[${i}]`);
        if (problem) return problem;
      }
    }
  }
  if (isObject(value)) {
    for (const name of (schema.required as string[] | undefined) ?? []) if (!(name in value)) return `${at} has no \`${name}\``;
    const properties = isObject(schema.properties) ? schema.properties : {};
    for (const [name, sub] of Object.entries(value)) {
      const subSchema = properties[name];
      if (isObject(subSchema)) {
        const problem = schemaViolation(sub, subSchema, `${at}.${name}`);
        if (problem) return problem;
      } else if (schema.additionalProperties === false) {
        return `${at} has \`${name}\`, which the schema does not allow`;
      }
    }
  }
  return undefined;
}

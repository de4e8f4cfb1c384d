/**
 * The JSONPath and intrinsic-function text of Amazon States Language values (`"Key.$": "..."`):
 * whether it is well formed, and which paths it reads.
 */

/** One step of a path: a member name, a list index (`*` for all), or a deep scan (`..`) that stops checking. */
export type PathStep = { readonly name: string } | { readonly index: number | '*' } | { readonly deep: true };

/** A parsed path: `$` (the state's input or result) or `$$` (the context object), then its steps. */
export interface ParsedPath {
  readonly root: '$' | '$$';
  readonly steps: PathStep[];
}

const NAME = /^[^.[\]\s()',]+/;

/** The steps of a JSONPath, or a reason it is malformed. */
export function parsePath(text: string): ParsedPath | string {
  const root = text.startsWith('$$') ? '$$' : text.startsWith('$') ? '$' : undefined;
  if (!root) {
    return `"${text}" is not a JSONPath (must start with $)`;
  }
  const steps: PathStep[] = [];
  let rest = text.slice(root.length);
  while (rest.length > 0) {
    if (rest.startsWith('..')) {
      steps.push({ deep: true });
      rest = rest.slice(1);
      continue;
    }
    if (rest.startsWith('.')) {
      const name = NAME.exec(rest.slice(1));
      if (!name) {
        return `"${text}": a "." must be followed by a member name`;
      }
      steps.push({ name: name[0] });
      rest = rest.slice(1 + name[0].length);
      continue;
    }
    const bracket = /^\[(\*|\d+|'[^']*'|-?\d*:-?\d*|\?\(.*?\))\]/.exec(rest);
    if (!bracket) {
      return `"${text}": unexpected "${rest}"`;
    }
    const inside = bracket[1];
    if (inside.startsWith("'")) {
      steps.push({ name: inside.slice(1, -1) });
    } else if (/^\d+$/.test(inside)) {
      steps.push({ index: Number(inside) });
    } else {
      steps.push({ index: '*' });
    }
    rest = rest.slice(bracket[0].length);
  }
  return { root, steps };
}

/** What an intrinsic function returns, as a model type ('any' when it depends on its arguments). */
const INTRINSIC_RESULTS: Record<string, string> = {
  'States.Format': 'string',
  'States.UUID': 'string',
  'States.JsonToString': 'string',
  'States.Base64Encode': 'string',
  'States.Base64Decode': 'string',
  'States.Hash': 'string',
  'States.StringToJson': 'any',
  'States.JsonMerge': 'structure',
  'States.Array': 'list',
  'States.ArrayPartition': 'list',
  'States.ArrayRange': 'list',
  'States.ArrayUnique': 'list',
  'States.StringSplit': 'list',
  'States.ArrayGetItem': 'any',
  'States.ArrayContains': 'boolean',
  'States.ArrayLength': 'number',
  'States.MathAdd': 'number',
  'States.MathRandom': 'number',
};

/** A dynamic value: the paths it reads, what it yields ('any' for a bare path), or why it is malformed. */
export interface DynamicValue {
  readonly paths: string[];
  readonly result: string;
  readonly problem?: string;
}

/** Reads a `.$` value: a JSONPath, or an intrinsic function whose arguments may be paths, literals or calls. */
export function readDynamic(text: string): DynamicValue {
  const paths: string[] = [];
  let at = 0;
  const fail = (why: string): never => {
    throw new Error(`"${text}": ${why}`);
  };
  const skipSpaces = () => {
    while (text[at] === ' ') at++;
  };
  const path = (): void => {
    const start = at;
    while (at < text.length && text[at] !== ',' && text[at] !== ')') {
      if (text[at] === '[') {
        const close = text.indexOf(']', at);
        at = close < 0 ? fail('unclosed "["') : close;
      }
      at++;
    }
    const found = text.slice(start, at).trimEnd();
    const parsed = parsePath(found);
    if (typeof parsed === 'string') {
      throw new Error(parsed);
    }
    paths.push(found);
  };
  const call = (): string => {
    const name = /^States\.[A-Za-z0-9]+/.exec(text.slice(at));
    if (!name) {
      fail(`unexpected "${text.slice(at)}"`);
    }
    const result = INTRINSIC_RESULTS[name![0]] ?? fail(`${name![0]} is not an intrinsic function`);
    at += name![0].length;
    if (text[at] !== '(') {
      fail(`${name![0]} must be followed by "("`);
    }
    at++;
    skipSpaces();
    while (text[at] !== ')') {
      argument();
      skipSpaces();
      if (text[at] === ',') {
        at++;
        skipSpaces();
      } else if (text[at] !== ')') {
        fail(`expected "," or ")" at "${text.slice(at)}"`);
      }
    }
    at++;
    return result;
  };
  const argument = (): void => {
    const rest = text.slice(at);
    const literal = /^('(?:\\.|[^'\\])*'|-?\d+(?:\.\d+)?|true|false|null)/.exec(rest);
    if (literal) {
      at += literal[0].length;
    } else if (rest.startsWith('$')) {
      path();
    } else {
      call();
    }
  };
  try {
    if (text.startsWith('$')) {
      path();
      if (at !== text.length) {
        fail(`unexpected "${text.slice(at)}"`);
      }
      return { paths, result: 'any' };
    }
    const result = call();
    if (at !== text.length) {
      fail(`unexpected "${text.slice(at)}" after the call`);
    }
    return { paths, result };
  } catch (error) {
    return { paths, result: 'any', problem: (error as Error).message };
  }
}

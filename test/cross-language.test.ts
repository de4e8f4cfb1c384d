/**
 * The Python and Java apps (test/python-app, test/java-app) must use every public type, prop and
 * member of the jsii manifest: they only prove that the API works in those languages for what they use.
 * This test fails when the API grows and the apps do not.
 */
import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..');

interface Property { readonly name: string; readonly static?: boolean }
interface Method { readonly name: string; readonly static?: boolean }
interface JsiiType {
  readonly kind: 'class' | 'interface' | 'enum';
  readonly name: string;
  readonly datatype?: boolean;
  readonly initializer?: unknown;
  readonly properties?: Property[];
  readonly methods?: Method[];
  readonly members?: { readonly name: string }[];
}

function sources(dir: string, extension: string): string {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith(extension))
    .map((file) => fs.readFileSync(path.join(dir, file), 'utf8'))
    .join('\n');
}

const snake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
const pascal = (name: string) => name[0].toUpperCase() + name.slice(1);

/** What a use of each part of a type looks like in Python and in Java. */
function expectedUses(type: JsiiType): { python: string[]; java: string[] } {
  const python: string[] = [];
  const java: string[] = [];
  const use = (py: string, jv: string) => { python.push(py); java.push(jv); };
  if (type.kind === 'enum') {
    for (const member of type.members ?? []) {
      use(`${type.name}.${member.name}`, `${type.name}.${member.name}`);
    }
  } else if (type.kind === 'interface' && type.datatype) {
    for (const prop of type.properties ?? []) {
      use(`${snake(prop.name)}=`, `.${prop.name}(`);
    }
  } else if (type.kind === 'class') {
    if (type.initializer) {
      use(`${type.name}(`, `${type.name}.Builder.create(`);
    }
    for (const prop of type.properties ?? []) {
      if (prop.static) {
        use(`${type.name}.${prop.name}`, `${type.name}.${prop.name}`);
      } else {
        use(`.${snake(prop.name)}`, `.get${pascal(prop.name)}()`);
      }
    }
    for (const method of type.methods ?? []) {
      if (method.static) {
        use(`${type.name}.${snake(method.name)}(`, `${type.name}.${method.name}(`);
      } else {
        use(`.${snake(method.name)}(`, `.${method.name}(`);
      }
    }
  } else {
    throw new Error(`no rule for ${type.kind} ${type.name}: extend this test and the apps`);
  }
  return { python, java };
}

describe('cross-language apps', () => {
  const manifest = path.join(root, '.jsii');
  const types: JsiiType[] = Object.values(JSON.parse(fs.readFileSync(manifest, 'utf8')).types);
  const python = sources(path.join(root, 'test', 'python-app'), '.py');
  const java = sources(path.join(root, 'test', 'java-app', 'src'), '.java');

  test('the manifest has the public types', () => {
    expect(types.map((t) => t.name).sort()).toEqual(
      ['ColumnType', 'DynamoIcebergMirror', 'DynamoIcebergMirrorProps', 'ExportViewType', 'RebootstrapPolicy'],
    );
  });

  test.each(types.map((t) => [t.name, t] as const))('the Python app uses all of %s', (_name, type) => {
    const missing = expectedUses(type).python.filter((use) => !python.includes(use));
    expect(missing).toEqual([]);
  });

  test.each(types.map((t) => [t.name, t] as const))('the Java app uses all of %s', (_name, type) => {
    const missing = expectedUses(type).java.filter((use) => !java.includes(use));
    expect(missing).toEqual([]);
  });
});

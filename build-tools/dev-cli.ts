/**
 * The command line of this repository's tasks: the published CLI (src/cli/main.ts) plus the commands that
 * need the repository itself, which the npm package leaves out.
 *   env                 the Python environment with the test tools (test/spark/requirements.txt)
 *   python ARGS...      run that environment's python, the Spark job and the local exporter importable
 */
import { main } from '../src/cli/main';
import { ensurePythonEnv, runPython } from '../src/cli/python-env';

function devMain(argv: string[]): number | Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'env':
      ensurePythonEnv(true);
      return 0;
    case 'python':
      return runPython(ensurePythonEnv(true), rest);
    default:
      return main(argv);
  }
}

Promise.resolve().then(() => devMain(process.argv.slice(2))).then((status) => {
  process.exitCode = status;
}, (error) => {
  console.error(`error: ${(error as Error).message}`);
  process.exitCode = 1;
});

/**
 * Build step: the CLI users run, bundled from tsc's output into dist/bin/. Node 20 has no
 * compile cache, and loading ~200 ES modules (resolving, reading and linking each) took ~280 ms
 * of every run before it could connect anywhere; a bundle takes about half (docs/benchmarks.md).
 * Lazily imported commands go into chunks of their own, so `--version` reads no more than before.
 */
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const TSC_ENTRY = fileURLToPath(new URL('../cli/main.js', import.meta.url));
/** The CLI (package.json's bin). dist/bin/ has the depth of dist/cli/, so paths relative to
 * import.meta.url (package.json, roles/, playbooks/, schemas/, the precompiled validators) hold. */
const CLI_BUNDLE = fileURLToPath(new URL('../bin/oasis-play.js', import.meta.url));

// Packages that load native code by a path of their own (ssh2's sshcrypto binding, which it
// would silently replace with slower JavaScript) or read their own files stay in node_modules.
const EXTERNAL = ['ssh2', 'systeminformation'];

// CommonJS packages inside an ES module bundle still expect require, __filename and __dirname.
const BANNER = [
  "import { createRequire as oasisCreateRequire } from 'node:module';",
  "import { fileURLToPath as oasisFileURLToPath } from 'node:url';",
  "import { dirname as oasisDirname } from 'node:path';",
  'const require = oasisCreateRequire(import.meta.url);',
  'const __filename = oasisFileURLToPath(import.meta.url);',
  'const __dirname = oasisDirname(__filename);',
].join('\n');

export async function bundleCli(): Promise<void> {
  const outdir = dirname(CLI_BUNDLE);
  rmSync(outdir, { recursive: true, force: true }); // chunk names change with their content
  await build({
    entryPoints: { 'oasis-play': TSC_ENTRY },
    outdir,
    bundle: true,
    splitting: true,
    chunkNames: 'chunk-[hash]',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: EXTERNAL,
    banner: { js: BANNER },
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundleCli();

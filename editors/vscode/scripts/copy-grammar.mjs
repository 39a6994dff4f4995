// Copies the shared TextMate grammar from the repository's grammars/ folder into the
// extension (syntaxes/ is generated, not committed), so there is one source of truth.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const source = join(root, '..', '..', 'grammars', 'textmate', 'openspec.injection.tmLanguage.json');
const target = join(root, 'syntaxes', 'openspec.injection.tmLanguage.json');
mkdirSync(dirname(target), { recursive: true });
copyFileSync(source, target);

import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

/** The alert rules work on plain numbers: only the statistics module does tensor math. */
describe('src/alerts', () => {
  const root = join(__dirname, '../../src/alerts');
  const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)]));

  it('has source files to check', () => {
    expect(files(root).filter((f) => f.endsWith('.ts')).length).toBeGreaterThan(10);
  });

  it.each(files(root).filter((f) => f.endsWith('.ts')).map((f) => [f.slice(root.length + 1), f]))(
    '%s imports nothing from tfjs',
    (_, file) => {
      expect(readFileSync(file, 'utf8')).not.toMatch(/@tensorflow/);
    },
  );
});

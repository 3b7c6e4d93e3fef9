import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const PEERS = ['aws-cdk-lib', 'constructs', 'cdk-nag'];

/** The lowest version a caret range admits (`^2.276.0` -> 2.276.0). */
const floor = (range: string) => range.replace(/^[\^~]/, '');

describe('package.json of the library', () => {
  test('aws-cdk-lib, constructs and cdk-nag are peer dependencies only, developed against the range floor', () => {
    for (const name of PEERS) {
      expect(pkg.peerDependencies[name]).toMatch(/^\^\d+\.\d+\.\d+$/);
      expect(pkg.dependencies[name]).toBeUndefined();
      // Developed against a range with the same floor as the one promised to users.
      expect(floor(pkg.devDependencies[name])).toBe(floor(pkg.peerDependencies[name]));
    }
    // aws-cdk-lib is pinned to the floor: the lowest version the range admits is the one tested.
    expect(pkg.devDependencies['aws-cdk-lib']).toBe(floor(pkg.peerDependencies['aws-cdk-lib']));
  });

  test('npm pack builds dist/ first and ships compiled files only', () => {
    expect(pkg.scripts.prepack).toBe('npm run build');
    expect(pkg.main).toBe('dist/lib/index.js');
    expect(pkg.types).toBe('dist/lib/index.d.ts');
    expect(pkg.files).toEqual(expect.arrayContaining(['dist/lib/**/*.js', 'dist/lib/**/*.d.ts', 'bin/readiness-cli.js', 'readiness.schema.json']));
    for (const f of pkg.files as string[]) expect(f).not.toMatch(/^(test|baseline|bench|scripts|\.ci)\b|\*\.ts$/);
    const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.build.json'), 'utf8'));
    expect(tsconfig.compilerOptions.outDir).toBe('dist');
    expect(tsconfig.include).toEqual(['bin/**/*.ts', 'lib/**/*.ts']);
  });
});

#!/usr/bin/env -S node --experimental-strip-types
// The `shutterlock` command. The CLI is TypeScript run by Node's type stripping.
await import('../src/cli/main.ts');

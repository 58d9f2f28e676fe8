#!/usr/bin/env node
// `npx ops <command>`: the package's `bin`. npx runs the bin of the package.json it stands in
// (npm 7+), so no global install and no link step is needed. The CLI is TypeScript, so tsx's
// loader is registered in this process first (no second process, exit codes pass through).
import { register } from 'tsx/esm/api';

register();
await import('../tools/ops.ts');

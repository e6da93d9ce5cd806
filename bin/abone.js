#!/usr/bin/env node
// The `abone` command. The code is TypeScript run through tsx, so there is no build step between a clone and a run.
import { register } from 'tsx/esm/api';

register();
await import('../server/cli.ts');

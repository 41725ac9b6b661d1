import type { Scenario } from '../support.js';
import { badInput } from './bad-input.js';
import { replicas } from './replicas.js';
import { secrets } from './secrets.js';
import { shutdown } from './shutdown.js';
import { sigkill } from './sigkill.js';
import { terminate } from './terminate.js';

export const SCENARIOS: Scenario[] = [replicas, sigkill, terminate, shutdown, badInput, secrets];

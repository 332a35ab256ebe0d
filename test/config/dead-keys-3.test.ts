import { describeShard } from './dead-keys.guard.js';

describeShard(3);

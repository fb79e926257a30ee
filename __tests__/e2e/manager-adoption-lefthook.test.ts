import { describeAdoption, LEFTHOOK_COMMANDS, LEFTHOOK_JOBS_FORM } from '../helpers/manager-adoption.js';

/** Issue 21's adoption promises under lefthook, its `commands` and `jobs` forms (__tests__/helpers/manager-adoption.ts). */
describeAdoption([LEFTHOOK_COMMANDS, LEFTHOOK_JOBS_FORM]);

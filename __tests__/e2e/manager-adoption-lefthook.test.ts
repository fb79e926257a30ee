import { describeAdoption, LEFTHOOK_COMMANDS, LEFTHOOK_JOBS_FORM } from '../helpers/manager-adoption.js';

/** What adopting canon promises (docs/guides/adopting.md) under lefthook, its `commands` and `jobs` forms (__tests__/helpers/manager-adoption.ts). */
describeAdoption([LEFTHOOK_COMMANDS, LEFTHOOK_JOBS_FORM]);

import { describeAdoption, PRE_COMMIT_FRAMEWORK } from '../helpers/manager-adoption.js';

/** What adopting canon promises (docs/guides/adopting.md) under the pre-commit framework, in a repository with a package.json (__tests__/helpers/manager-adoption.ts). */
describeAdoption([PRE_COMMIT_FRAMEWORK]);

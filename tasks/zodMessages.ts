// zod/mini ships no messages; the English ones (the classic API's default) name what is wrong.
// Imported for its effect by every module that declares zod/mini schemas, so their errors read
// the same in a Lambda bundle (where nothing loads the classic API) as in the CLI and the tests.
import * as z from 'zod/mini';
import { en } from 'zod/locales';

z.config(en());

/** Sprig 3.2.3's GenericFuncMap as one registry (env, expandenv and getHostByName are left out: data only). */
import type { FuncMap } from '../go/funcmap.js';
import { AES_FUNCS } from './aes.js';
import { DATE_FUNCS } from './dates.js';
import { DICT_FUNCS } from './dicts.js';
import { ENCODING_FUNCS } from './encoding.js';
import { LIST_FUNCS } from './lists.js';
import { MISC_FUNCS, UNSUPPORTED_FUNCS } from './misc.js';
import { NUMBER_FUNCS } from './numbers.js';
import { SEMVER_FUNCS } from './semver.js';
import { STRING_FUNCS } from './strings.js';

/** Every Sprig function ArgoCD exposes. */
export const SPRIG_FUNCS: FuncMap = new Map([
  ...STRING_FUNCS, ...LIST_FUNCS, ...DICT_FUNCS, ...NUMBER_FUNCS, ...ENCODING_FUNCS, ...MISC_FUNCS, ...SEMVER_FUNCS, ...DATE_FUNCS, ...AES_FUNCS, ...UNSUPPORTED_FUNCS,
]);

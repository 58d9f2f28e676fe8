import path from 'node:path';

/** Absolute local path of a lake key (keys use `/`; the lake folder is laid out like the bucket). */
export const lakePath = (lake: string, key: string): string => path.join(lake, ...key.split('/'));

export * from './generated.ts';
export * from './resources.ts';
export * from './constants.ts';

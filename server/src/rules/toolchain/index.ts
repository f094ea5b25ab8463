// The toolchain/ family: code that needs a newer Go than the file's go.mod or //go:build line says.
export { languageFeature } from './languageFeature';
export { stdApi } from './stdApi';

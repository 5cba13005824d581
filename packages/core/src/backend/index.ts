export { type BackendInfo, type BackendLoader, BackendError, type BackendName, registerBackendLoader, setAutoOrder, useBackend } from './backends.js';

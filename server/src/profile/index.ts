/** The profile engine's public API: plain Node, shared by the language server and the CLI. */
export {
  captureProfile,
  CaptureError,
  DEFAULT_MIN_SAMPLES,
  type CaptureOptions,
  type CaptureFiles,
  type CaptureResult,
  type ProfileTool,
} from './capture';
export { importProfile, type ImportOptions } from './import';
export { sniffFormat, sniffFile, ProfileFormatError, type ProfileFormat } from './sniff';
export { foldedText } from './folded';
export { speedscopeJson } from './speedscope';
export { diffProfiles } from './diff';
export { hotFunctions, functionWeights, type HotFunction } from './hotspots';
export { serialiseModel, deserialiseModel, type SerialisedProfile } from './serialise';
export { FrameKind, type ProfileModel } from './model';

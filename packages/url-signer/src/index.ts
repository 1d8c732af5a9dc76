/**
 * @shutterlock/url-signer — signed image URLs for Shutterlock's image service, in OptStuff's
 * format (`/api/v1/{project}/{operations}/{source}?key=&sig=&exp=`) and imgproxy's
 * (`/{signature}/{options}/{source}`). Web Crypto only: Node, Deno, Bun, browsers, edge runtimes.
 */
export { UrlSignerError, type UrlSignerErrorCode } from './errors.ts';
export { bucketedExpiry, toUnixSeconds, type BucketedExpiryOptions } from './expiry.ts';
export {
  GRAVITY_NAMES,
  IMAGE_FORMATS,
  MAX_DIMENSION,
  ROTATIONS,
  type FocalPoint,
  type Gravity,
  type GravityName,
  type ImageFormat,
  type ImageFormatInput,
  type Rotation,
} from './values.ts';
export { type CommonTransform, type Crop } from './transform.ts';
export {
  FITS,
  MAX_OPERATIONS_LENGTH,
  NO_OPERATIONS,
  normaliseOperations,
  operationsString,
  parseOperations,
  serializeOperations,
  type Fit,
  type ImageOperations,
} from './operations.ts';
export { MAX_SOURCE_LENGTH } from './encoding.ts';
export {
  OPTSTUFF_SIGNATURE_LENGTH,
  PUBLIC_KEY_PATTERN,
  buildOptStuffUrl,
  checkOptStuffSource,
  encodeOptStuffSource,
  optStuffSignaturePayload,
  optStuffSource,
  parseOptStuffPath,
  resolveOptStuffSource,
  signOptStuff,
  type OptStuffSignatureInput,
  type OptStuffUrlInput,
  type ParsedOptStuffPath,
} from './optstuff.ts';
export {
  MAX_IMGPROXY_PATH_LENGTH,
  RESIZING_TYPES,
  buildImgproxyPath,
  buildImgproxyUrl,
  normaliseImgproxyOptions,
  parseImgproxyOptions,
  parseImgproxyPath,
  redenormaliseImgproxyPath,
  serializeImgproxyOptions,
  signImgproxyPath,
  type ImgproxyOptions,
  type ImgproxyPathInput,
  type ImgproxySignatureInput,
  type ImgproxySourceEncoding,
  type ImgproxyUrlInput,
  type ParsedImgproxyPath,
  type ResizingType,
} from './imgproxy.ts';

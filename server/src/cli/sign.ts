import { type Command, InvalidArgumentError } from 'commander';
import { bucketedExpiry, buildImgproxyUrl, buildOptStuffUrl, UrlSignerError } from '@shutterlock/url-signer';
import { AppError } from '../errors.ts';

/**
 * `shutterlock sign`: a signed image URL from the command line, built by the same package
 * studio websites use (@shutterlock/url-signer). The secret is read from standard input, never
 * from an argument, so it stays out of the process list and the shell history.
 */

async function readSecret(stdin: NodeJS.ReadableStream): Promise<string> {
  const pieces: Buffer[] = [];
  for await (const piece of stdin) pieces.push(Buffer.from(piece as Buffer));
  const secret = Buffer.concat(pieces).toString('utf8').trim();
  if (secret === '') throw new AppError('secret_missing', 'Pipe the secret into standard input (sk_… for OptStuff URLs, "key:salt" in hex for imgproxy URLs).');
  return secret;
}

function positiveInteger(value: string): number {
  if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError('must be a positive whole number');
  return Number(value);
}

interface SignOptions {
  baseUrl: string;
  project: string;
  format: 'optstuff' | 'imgproxy';
  key?: string;
  operations: string;
  source: string;
  expiresIn?: number;
  expiresAt?: number;
  signatureSize?: number;
}

async function signedUrl(options: SignOptions, secret: string): Promise<string> {
  const expiresAt = options.expiresAt ?? (options.expiresIn === undefined ? undefined : bucketedExpiry(options.expiresIn));
  try {
    if (options.format === 'imgproxy') {
      const [key, salt] = secret.split(':');
      return await buildImgproxyUrl({
        baseUrl: `${options.baseUrl.replace(/\/+$/, '')}/imgproxy/${encodeURIComponent(options.project)}`,
        key: key ?? '',
        salt: salt ?? '',
        ...(options.signatureSize === undefined ? {} : { signatureSize: options.signatureSize }),
        options: [options.operations === '_' ? '' : options.operations, expiresAt === undefined ? '' : `exp:${expiresAt}`].filter(Boolean).join('/'),
        source: options.source,
      });
    }
    if (options.key === undefined) throw new AppError('key_missing', 'OptStuff URLs need --key pk_….');
    return await buildOptStuffUrl({
      baseUrl: options.baseUrl,
      projectSlug: options.project,
      publicKey: options.key,
      secretKey: secret,
      operations: options.operations,
      source: options.source,
      ...(expiresAt === undefined ? {} : { expiresAt }),
    });
  } catch (error) {
    if (error instanceof UrlSignerError) throw new AppError(error.code, error.message);
    throw error;
  }
}

export function addSignCommand(program: Command): void {
  program
    .command('sign')
    .description('print a signed image URL (the secret is read from standard input)')
    .requiredOption('--base-url <url>', 'where Shutterlock is served, e.g. https://photos.example.com')
    .requiredOption('--project <slug>', 'the project slug')
    .requiredOption('--source <source>', 'cdn.example.com/a.jpg, or the source setFileWebUsage answered (vault:…)')
    .option('--format <format>', 'optstuff (key + sk_ secret) or imgproxy ("key:salt" hex secret)', 'optstuff')
    .option('--key <pk>', 'the public key, pk_… (OptStuff format)')
    .option('--operations <operations>', 'w_800,f_webp (OptStuff) or rs:fill:300:400/f:webp (imgproxy); _ for none', '_')
    .option('--expires-in <seconds>', 'expire after at least this long (rounded up to the hour, so URLs repeat and cache)', positiveInteger)
    .option('--expires-at <unix-seconds>', 'expire at exactly this time', positiveInteger)
    .option('--signature-size <bytes>', 'imgproxy signature size, 1–32 (default 32)', positiveInteger)
    .action(async (options: SignOptions) => {
      if (options.format !== 'optstuff' && options.format !== 'imgproxy') throw new AppError('format_invalid', '--format is optstuff or imgproxy.');
      process.stdout.write(`${await signedUrl(options, await readSecret(process.stdin))}\n`);
    });
}

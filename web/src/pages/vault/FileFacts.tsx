import type { Exif, FileView } from '../../api/vault';
import { CopyButton } from '../../components/CopyButton';
import { Fact } from '../../components/Fact';
import { formatBytes, formatCaptureTime, formatDateTime } from '../../lib/format';

/**
 * What the viewer says about a photo: the file, its checksum and what the camera recorded
 * (`null` until the file's details have arrived).
 */
export function FileFacts({ file, albumNames, exif }: { file: FileView; albumNames: readonly string[]; exif: Exif | null }) {
  return (
    <>
      <dl className="facts">
        <Fact label="Size">{formatBytes(file.size)}</Fact>
        <Fact label="Dimensions">{file.width !== null && file.height !== null ? `${file.width} × ${file.height} pixels` : 'Not known yet'}</Fact>
        <Fact label="Captured">
          {file.capturedAt === null ? 'Not recorded' : <time dateTime={file.capturedAt}>{formatCaptureTime(file.capturedAt)}</time>}
        </Fact>
        <Fact label="Uploaded">
          <time dateTime={file.uploadedAt}>{formatDateTime(file.uploadedAt)}</time>
        </Fact>
        <Fact label={albumNames.length > 1 ? 'Albums' : 'Album'}>{albumNames.length === 0 ? 'No album' : albumNames.join(', ')}</Fact>
      </dl>
      <section className="facts-section" aria-labelledby="checksum-heading">
        <h2 id="checksum-heading">SHA-256 checksum</h2>
        <p className="muted facts-note">Compare it with your copy to be sure the original is intact.</p>
        <code className="checksum" data-testid="viewer-checksum">
          {file.sha256}
        </code>
        <CopyButton text={file.sha256} label="Copy checksum" />
      </section>
      {exif !== null && (
        <section className="facts-section" aria-labelledby="camera-heading">
          <h2 id="camera-heading">Camera details</h2>
          <ExifFacts exif={exif} />
        </section>
      )}
    </>
  );
}

function ExifFacts({ exif }: { exif: Exif }) {
  // What the camera did not record is absent, or null: leave it out.
  const rows = [
    ['Camera', exif.camera],
    ['Lens', exif.lens],
    ['Exposure', exif.exposureTime == null ? null : `${exif.exposureTime} s`],
    ['Aperture', exif.fNumber == null ? null : `f/${exif.fNumber}`],
    ['ISO', exif.iso == null ? null : String(exif.iso)],
    ['Focal length', exif.focalLength == null ? null : `${exif.focalLength} mm`],
  ].filter((row): row is [string, string] => row[1] != null);
  const gps = exif.gps;

  if (rows.length === 0 && gps === null) return <p className="muted">The camera recorded no details.</p>;
  return (
    <dl className="facts" data-testid="viewer-exif">
      {rows.map(([label, value]) => (
        <Fact key={label} label={label}>
          {value}
        </Fact>
      ))}
      {gps !== null && (
        <Fact label="Location">
          {formatCoordinates(gps)}
          <p className="facts-note">Only you can see this — it is never shared with clients.</p>
        </Fact>
      )}
    </dl>
  );
}

/** "48.85837° N, 2.29448° E" */
function formatCoordinates({ latitude, longitude }: { latitude: number; longitude: number }): string {
  const latitudeText = `${Math.abs(latitude).toFixed(5)}° ${latitude < 0 ? 'S' : 'N'}`;
  const longitudeText = `${Math.abs(longitude).toFixed(5)}° ${longitude < 0 ? 'W' : 'E'}`;
  return `${latitudeText}, ${longitudeText}`;
}

'use strict';
// Run first by `npm start` and `npm install` (package.json), before anything that needs a recent
// Node: plain CommonJS with no syntax newer than Node 4, so an old Node reaches the message below
// instead of dying on a flag it does not know (`node: bad option: --experimental-strip-types`).
var REQUIRED = [22, 12];

/** The complaint for this Node version, or null when it is recent enough. */
function nodeTooOld(version) {
  var parts = String(version).replace(/^v/, '').split('.').map(Number);
  var major = parts[0];
  var minor = parts[1] || 0;
  if (major > REQUIRED[0] || (major === REQUIRED[0] && minor >= REQUIRED[1])) return null;
  return (
    'Shutterlock needs Node.js ' + REQUIRED.join('.') + ' or newer (Node 24 LTS recommended); this is Node ' + version + '.\n' +
    'Install a newer Node (https://nodejs.org, or `nvm install 24`), then run the command again.'
  );
}

module.exports = { nodeTooOld: nodeTooOld };

if (require.main === module) {
  var problem = nodeTooOld(process.versions.node);
  if (problem) {
    process.stderr.write('\n' + problem + '\n\n');
    process.exit(1);
  }
}

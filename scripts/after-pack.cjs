// electron-builder's afterPack hook (electron-builder.yml): gives each packaged app the engine
// built for its own architecture. `npm install` builds build/native/Release/tern.node for this
// machine, and that is what electron-builder copies into every app it packs. When it packs for
// another architecture (the release workflow makes the Intel macOS app on an Apple silicon
// runner), the engine for that one must have been built beside it first:
//   npx cmake-js compile --arch x64 --out build/native-x64 --target tern_addon
// and this hook puts it in place of the host's. Packing for another architecture without it is
// an error: an app whose engine cannot load must never be shipped.
const { copyFileSync, existsSync } = require('node:fs');
const { join, resolve } = require('node:path');
// electron-builder's Arch enum: afterPack's context.arch is its number (Arch[1] === 'x64').
const { Arch } = require('builder-util');

const root = resolve(__dirname, '..');
const ENGINE = join('build', 'native', 'Release', 'tern.node');

/** Where the app's resources folder is inside what electron-builder packed. */
function resourcesDir(context) {
  if (context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas') {
    return join(context.appOutDir, `${context.packager.appInfo.productFilename}.app`, 'Contents', 'Resources');
  }
  return join(context.appOutDir, 'resources');
}

/** Copies the engine built for the packed architecture, if that is not this machine's. */
function placeEngine(context, { hostArch = process.arch, projectRoot = root } = {}) {
  const arch = Arch[context.arch] ?? String(context.arch);
  if (arch === hostArch) return null;
  const built = join(projectRoot, 'build', `native-${arch}`, 'Release', 'tern.node');
  if (!existsSync(built)) {
    throw new Error(
      `packing for ${arch} on a ${hostArch} machine needs the engine built for ${arch}: ` +
        `npx cmake-js compile --arch ${arch} --out build/native-${arch} --target tern_addon`,
    );
  }
  const target = join(resourcesDir(context), 'app.asar.unpacked', ENGINE);
  if (!existsSync(target)) throw new Error(`the packed app has no engine at ${target} (electron-builder.yml asarUnpack)`);
  copyFileSync(built, target);
  return target;
}

module.exports = async function afterPack(context) {
  const placed = placeEngine(context);
  if (placed) console.log(`  • engine for ${Arch[context.arch]} placed at ${placed}`);
};
module.exports.placeEngine = placeEngine;

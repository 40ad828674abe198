"use strict";
// use-durable/ts-plugin: the door tsserver opens. tsserver loads plugins with require() and Node10
// resolution, which ignores the exports map, so the package carries a `ts-plugin/` folder at its
// root (written by `npm run build` from this one) whose package.json main is this CommonJS file.
// It loads the ES module plugin with require(esm) (Node 20.19+, 22.12+): from the TypeScript source
// in a checkout of use-durable (where this door is reached through a link to cli/ts-plugin/door),
// from dist/ in the published package.
const { existsSync } = require("node:fs");
const { join } = require("node:path");

const source = join(__dirname, "..", "plugin.ts");
const plugin = existsSync(source) ? require(source) : require(join(__dirname, "..", "dist", "cli", "ts-plugin", "plugin.js"));

module.exports = function init(modules) {
  return plugin.createPlugin(modules);
};

"use strict";
// use-durable/ts-plugin: the door tsserver opens. It loads plugins with require() and Node10
// resolution (no exports map), so this CommonJS file is what `ts-plugin/package.json`'s main names;
// the plugin itself is an ES module, loaded with require(esm) (Node 20.19+, 22.12+): from the
// TypeScript source in a checkout of use-durable, from dist/ in the published package.
const { existsSync } = require("node:fs");
const { join } = require("node:path");

const source = join(__dirname, "plugin.ts");
const plugin = existsSync(source) ? require(source) : require("../dist/ts-plugin/plugin.js");

module.exports = function init(modules) {
  return plugin.createPlugin(modules);
};

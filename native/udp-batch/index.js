'use strict';
// The compiled addon (node-gyp puts it in build/Release at install time).
module.exports = require('./build/Release/udp_batch.node');

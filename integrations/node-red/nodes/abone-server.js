// @ts-check
'use strict';
/** Configuration node: where the Abone API is and the API token the flow acts with (kept in Node-RED's credentials). */
const { AboneClient } = require('../lib/abone-client.js');

/** @param {any} RED */
module.exports = function (RED) {
  /** @param {{ url: string, name?: string }} config */
  function AboneServerNode(config) {
    RED.nodes.createNode(this, config);
    this.url = config.url;
    this.client = new AboneClient(config.url, (this.credentials && this.credentials.token) || '');
  }
  RED.nodes.registerType('abone-server', AboneServerNode, { credentials: { token: { type: 'password' } } });
};

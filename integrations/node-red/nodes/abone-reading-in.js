// @ts-check
'use strict';
/**
 * Turns a message into readings of one meter and stores them through the API (POST /api/v1/meters/:serial/readings).
 * The answer comes after the readings are committed, or with the reason nothing was stored.
 */

/** @param {any} RED */
module.exports = function (RED) {
  /** @param {{ server: string, serial?: string, channel?: string, unit?: string }} config */
  function AboneReadingInNode(config) {
    RED.nodes.createNode(this, config);
    const server = RED.nodes.getNode(config.server);
    this.on('input', async (/** @type {any} */ msg, /** @type {Function} */ send, /** @type {Function} */ done) => {
      const serial = msg.serial || config.serial || msg.topic;
      try {
        if (!server) throw new Error('no Abone server configured');
        if (typeof serial !== 'string' || !serial) throw new Error('no meter serial: set it on the node, or in msg.serial or msg.topic');
        const body = toPayload(msg.payload, config);
        const result = await server.client.request('POST', `/api/v1/meters/${encodeURIComponent(serial)}/readings`, body);
        this.status({ fill: 'green', shape: 'dot', text: `${serial}: ${result.stored} stored` });
        send({ ...msg, payload: result });
        done();
      } catch (err) {
        const e = /** @type {{ message: string, code?: string }} */ (err);
        this.status({ fill: 'red', shape: 'ring', text: e.code || e.message.slice(0, 40) });
        done(e.code ? new Error(`${e.code}: ${e.message}`) : err);
      }
    });
  }

  /**
   * Accepts the API's own shape `{ readings: [...] }`, an array of readings, or one reading; a bare number is one
   * reading of the node's channel and unit, timed now.
   * @param {any} p @param {{ channel?: string, unit?: string }} config
   */
  function toPayload(p, config) {
    if (p && Array.isArray(p.readings)) return p;
    if (Array.isArray(p)) return { readings: p };
    if (typeof p === 'number') {
      if (!config.channel || !config.unit) throw new Error('a bare number needs the channel and unit set on the node');
      return { readings: [{ ts: new Date().toISOString(), ch: config.channel, v: p, u: config.unit }] };
    }
    if (p && typeof p === 'object') return { readings: [{ ts: new Date().toISOString(), ...p }] };
    throw new Error('msg.payload must be { readings: [...] }, an array of readings, one reading or a number');
  }

  RED.nodes.registerType('abone-reading-in', AboneReadingInNode);
};

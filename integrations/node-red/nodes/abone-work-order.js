// @ts-check
'use strict';
/** Opens a work order in Abone from a message (POST /api/v1/work-orders); it is routed to a crew at once. */

/** @param {any} RED */
module.exports = function (RED) {
  /** @param {{ server: string, orderType?: string, priority?: string }} config */
  function AboneWorkOrderNode(config) {
    RED.nodes.createNode(this, config);
    const server = RED.nodes.getNode(config.server);
    this.on('input', async (/** @type {any} */ msg, /** @type {Function} */ send, /** @type {Function} */ done) => {
      try {
        if (!server) throw new Error('no Abone server configured');
        const p = msg.payload && typeof msg.payload === 'object' ? msg.payload : {};
        const order = {
          type: p.type || config.orderType,
          priority: p.priority || config.priority || undefined,
          meterSerial: p.meterSerial || msg.serial || undefined,
          address: p.address,
          region: p.region,
          description: p.description || (typeof msg.payload === 'string' ? msg.payload : undefined),
        };
        const created = await server.client.request('POST', '/api/v1/work-orders', order);
        this.status({ fill: 'green', shape: 'dot', text: `#${created.id} ${created.status}` });
        send({ ...msg, payload: created });
        done();
      } catch (err) {
        const e = /** @type {{ message: string, code?: string }} */ (err);
        this.status({ fill: 'red', shape: 'ring', text: e.code || e.message.slice(0, 40) });
        done(e.code ? new Error(`${e.code}: ${e.message}`) : err);
      }
    });
  }
  RED.nodes.registerType('abone-work-order', AboneWorkOrderNode);
};

// @ts-check
'use strict';
/** Follows Abone's live feed (alarms, work-order changes) and sends one message per event. */

/** @param {any} RED */
module.exports = function (RED) {
  /** @param {{ server: string, streams?: string }} config */
  function AboneFeedNode(config) {
    RED.nodes.createNode(this, config);
    const server = RED.nodes.getNode(config.server);
    if (!server) {
      this.status({ fill: 'red', shape: 'ring', text: 'no server' });
      return;
    }
    const streams = String(config.streams || '').split(',').map((s) => s.trim()).filter(Boolean);
    const colours = { connecting: 'yellow', connected: 'green', disconnected: 'red', refused: 'red' };
    const feed = server.client.feed(
      streams,
      (/** @type {any} */ event) => this.send({ topic: `${event.stream}.${event.kind}`, payload: event }),
      (/** @type {keyof typeof colours} */ state, /** @type {string | undefined} */ detail) => {
        this.status({ fill: colours[state], shape: state === 'connected' ? 'dot' : 'ring', text: state });
        if (state === 'refused') this.warn(`the feed refused this token: ${detail}`);
      },
    );
    this.on('close', () => feed.close());
  }
  RED.nodes.registerType('abone-feed', AboneFeedNode);
};

#!/bin/sh
# Starts Mosquitto with the service accounts from deploy/mqtt.env written into the password file (a volume that
# also holds the device accounts added with mosquitto_passwd; see docs/deploy.md). The file must belong to the
# mosquitto user, which the broker runs as, and be readable by nobody else.
set -eu
PASSWD=/mosquitto/passwd/passwd
touch "$PASSWD"
chmod 0600 "$PASSWD"
mosquitto_passwd -b "$PASSWD" "$ABONE_MQTT_USERNAME" "$ABONE_MQTT_PASSWORD"
mosquitto_passwd -b "$PASSWD" "$NODERED_MQTT_USERNAME" "$NODERED_MQTT_PASSWORD"
chown mosquitto:mosquitto "$PASSWD"
exec mosquitto -c /mosquitto/config/mosquitto.conf

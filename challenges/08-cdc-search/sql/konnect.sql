-- Challenge 08, way (a): the control plane's entities as a real team's database holds them — a table per entity
-- type, every field a typed column (nested references flattened: service.id → service_id, labels.region →
-- labels_region), plus the common columns: the entity key (c/<control-plane>/o/<type>/<id>) and its control plane.
-- Debezium then sends plain JSON values (no jsonb column arriving as a string), so the index holds searchable
-- fields as they are.
CREATE SCHEMA IF NOT EXISTS konnect;

CREATE TABLE IF NOT EXISTS konnect.service (
  key TEXT PRIMARY KEY, control_plane_id UUID NOT NULL, id UUID NOT NULL,
  name TEXT NOT NULL, host TEXT, path TEXT, port INTEGER, protocol TEXT, retries INTEGER, enabled BOOLEAN,
  tags TEXT[], connect_timeout INTEGER, created_at BIGINT, updated_at BIGINT
);
CREATE TABLE IF NOT EXISTS konnect.route (
  key TEXT PRIMARY KEY, control_plane_id UUID NOT NULL, id UUID NOT NULL,
  name TEXT NOT NULL, paths TEXT[], service_id UUID, protocols TEXT[], strip_path BOOLEAN, preserve_host BOOLEAN,
  created_at BIGINT, updated_at BIGINT
);
CREATE TABLE IF NOT EXISTS konnect.node (
  key TEXT PRIMARY KEY, control_plane_id UUID NOT NULL, id UUID NOT NULL,
  type TEXT, hostname TEXT NOT NULL, version TEXT, last_ping BIGINT, config_hash TEXT,
  labels_region TEXT, labels_deployment TEXT, created_at BIGINT, updated_at BIGINT
);
CREATE TABLE IF NOT EXISTS konnect.consumer (
  key TEXT PRIMARY KEY, control_plane_id UUID NOT NULL, id UUID NOT NULL,
  username TEXT NOT NULL, custom_id TEXT, tags TEXT[], created_at BIGINT, updated_at BIGINT
);
CREATE TABLE IF NOT EXISTS konnect.upstream (
  key TEXT PRIMARY KEY, control_plane_id UUID NOT NULL, id UUID NOT NULL,
  name TEXT NOT NULL, algorithm TEXT, slots INTEGER, created_at BIGINT, updated_at BIGINT
);
CREATE TABLE IF NOT EXISTS konnect.target (
  key TEXT PRIMARY KEY, control_plane_id UUID NOT NULL, id UUID NOT NULL,
  target TEXT NOT NULL, weight INTEGER, upstream_id UUID, created_at BIGINT, updated_at BIGINT
);
CREATE TABLE IF NOT EXISTS konnect.plugin (
  key TEXT PRIMARY KEY, control_plane_id UUID NOT NULL, id UUID NOT NULL,
  name TEXT NOT NULL, enabled BOOLEAN, protocols TEXT[], service_id UUID, created_at BIGINT, updated_at BIGINT
);

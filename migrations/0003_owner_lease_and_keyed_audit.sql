CREATE TABLE `owner_lease` (
	`id` integer PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`pid` integer NOT NULL,
	`host` text NOT NULL,
	`acquired_at` integer NOT NULL,
	`heartbeat_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `audit_events` ADD `key_id` text;
CREATE TABLE `fulfilment_tasks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`request_id` integer NOT NULL,
	`grant_id` integer,
	`kind` text NOT NULL,
	`reason` text,
	`status` text NOT NULL,
	`fulfillers` text NOT NULL,
	`channel` text,
	`ts` text,
	`decided_by` text,
	`decided_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `fulfilment_tasks_request_idx` ON `fulfilment_tasks` (`request_id`);
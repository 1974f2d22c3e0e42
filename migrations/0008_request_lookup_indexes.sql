CREATE INDEX `requests_created_idx` ON `requests` (`created_at`);--> statement-breakpoint
CREATE INDEX `requests_grant_idx` ON `requests` (`grant_id`);
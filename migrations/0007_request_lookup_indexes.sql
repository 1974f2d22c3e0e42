CREATE INDEX `requests_jira_key_idx` ON `requests` (`jira_key`);--> statement-breakpoint
CREATE INDEX `requests_created_idx` ON `requests` (`created_at`);--> statement-breakpoint
CREATE INDEX `requests_grant_idx` ON `requests` (`grant_id`);
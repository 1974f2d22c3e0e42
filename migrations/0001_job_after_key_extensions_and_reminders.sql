ALTER TABLE `approval_steps` ADD `reminded_at` integer;--> statement-breakpoint
ALTER TABLE `approval_steps` ADD `escalated_at` integer;--> statement-breakpoint
ALTER TABLE `grants` ADD `warned_at` integer;--> statement-breakpoint
ALTER TABLE `jobs` ADD `after_key` text;--> statement-breakpoint
ALTER TABLE `requests` ADD `kind` text DEFAULT 'access' NOT NULL;--> statement-breakpoint
ALTER TABLE `requests` ADD `grant_id` integer;
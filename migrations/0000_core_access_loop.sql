CREATE TABLE `approval_steps` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`request_id` integer NOT NULL,
	`stage_index` integer NOT NULL,
	`stage` text NOT NULL,
	`approvers` text NOT NULL,
	`escalation_reason` text,
	`status` text NOT NULL,
	`decided_by` text,
	`decided_at` integer,
	`reason` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `approval_steps_request_stage_uq` ON `approval_steps` (`request_id`,`stage_index`);--> statement-breakpoint
CREATE TABLE `approver_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`step_id` integer NOT NULL,
	`approver_slack_id` text NOT NULL,
	`channel` text,
	`ts` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`step_id`) REFERENCES `approval_steps`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `approver_messages_step_approver_uq` ON `approver_messages` (`step_id`,`approver_slack_id`);--> statement-breakpoint
CREATE TABLE `audit_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`request_id` integer,
	`from_status` text,
	`to_status` text,
	`data` text DEFAULT '{}' NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_request_idx` ON `audit_events` (`request_id`);--> statement-breakpoint
CREATE TABLE `grants` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`request_id` integer NOT NULL,
	`user_slack_id` text NOT NULL,
	`app_id` text NOT NULL,
	`role_id` text NOT NULL,
	`provider` text NOT NULL,
	`idp_user_id` text,
	`groups` text NOT NULL,
	`status` text NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer,
	`ended_at` integer,
	`end_reason` text,
	FOREIGN KEY (`request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `grants_request_uq` ON `grants` (`request_id`);--> statement-breakpoint
CREATE INDEX `grants_due_idx` ON `grants` (`status`,`ends_at`);--> statement-breakpoint
CREATE INDEX `grants_user_idx` ON `grants` (`user_slack_id`,`status`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`payload` text NOT NULL,
	`order_key` text,
	`request_id` integer,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`max_attempts` integer NOT NULL,
	`run_at` integer NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `jobs_due_idx` ON `jobs` (`status`,`run_at`);--> statement-breakpoint
CREATE INDEX `jobs_order_idx` ON `jobs` (`order_key`,`status`);--> statement-breakpoint
CREATE INDEX `jobs_request_idx` ON `jobs` (`request_id`);--> statement-breakpoint
CREATE TABLE `requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`requester_slack_id` text NOT NULL,
	`requester_email` text,
	`requester_name` text,
	`requester_title` text,
	`requester_department` text,
	`requester_manager_email` text,
	`app_id` text NOT NULL,
	`role_id` text NOT NULL,
	`snapshot` text NOT NULL,
	`duration_ms` integer,
	`justification` text NOT NULL,
	`status` text NOT NULL,
	`current_stage` integer DEFAULT 0 NOT NULL,
	`jira_key` text,
	`idp_user_id` text,
	`failure_reason` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `requests_requester_idx` ON `requests` (`requester_slack_id`,`status`);--> statement-breakpoint
CREATE INDEX `requests_status_idx` ON `requests` (`status`);
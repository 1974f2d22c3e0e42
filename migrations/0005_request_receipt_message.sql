ALTER TABLE `requests` ADD `receipt_channel` text;--> statement-breakpoint
ALTER TABLE `requests` ADD `receipt_ts` text;
# annexa-pam-service: cron
account	required	pam_unix.so
session	required	pam_limits.so

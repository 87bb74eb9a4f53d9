# annexa-pam-service: common-auth
# no unlock_time: pam_faillock unlocks after faillock.conf's 600 seconds
auth	required			pam_faillock.so preauth
auth	[success=1 default=ignore]	pam_unix.so nullok
auth	[default=die]			pam_faillock.so authfail

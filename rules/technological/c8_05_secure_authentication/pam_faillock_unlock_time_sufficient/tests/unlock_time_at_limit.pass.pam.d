# annexa-pam-service: common-auth
auth	required			pam_faillock.so preauth deny=5 unlock_time=900
auth	[success=1 default=ignore]	pam_unix.so nullok
auth	[default=die]			pam_faillock.so authfail deny=5 unlock_time=900

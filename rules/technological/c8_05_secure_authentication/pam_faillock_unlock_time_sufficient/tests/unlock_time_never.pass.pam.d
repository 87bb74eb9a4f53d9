# annexa-pam-service: sshd
auth	required			pam_faillock.so preauth deny=3 unlock_time=0
auth	[success=1 default=ignore]	pam_unix.so nullok
auth	[default=die]			pam_faillock.so authfail deny=3 unlock_time=never

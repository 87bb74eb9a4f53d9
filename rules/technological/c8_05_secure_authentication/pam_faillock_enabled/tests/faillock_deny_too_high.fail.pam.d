# annexa-pam-service: common-auth
auth	required			pam_faillock.so preauth deny=10
auth	[success=1 default=ignore]	pam_unix.so nullok
auth	[default=die]			pam_faillock.so authfail deny=10
auth	requisite			pam_deny.so

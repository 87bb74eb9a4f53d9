# annexa-pam-service: common-auth
# deny and unlock_time left to /etc/security/faillock.conf (deny=3 by default)
auth	required			pam_faillock.so preauth
auth	[success=1 default=ignore]	pam_unix.so nullok
auth	[default=die]			pam_faillock.so authfail
auth	sufficient			pam_faillock.so authsucc

# annexa-pam-service: sshd
#auth	required	pam_faillock.so preauth deny=3
auth	required	pam_unix.so # pam_faillock.so authfail deny=3
account	required	pam_faillock.so
